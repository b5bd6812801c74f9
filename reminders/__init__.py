"""Reminders to demonstrators who consented (SMS and e-mail) and alerts to their legal team:
scheduling from the deadlines, the channels behind one interface, delivery and opt-out."""
