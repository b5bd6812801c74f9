"""From incident to lawsuit: the plaintiff roster, allegations and findings, officer history,
evidence preservation letters, the signed evidence export and blurred copies for sharing."""
