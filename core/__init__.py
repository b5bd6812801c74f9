"""Infrastructure at the bottom of the project; it imports no domain app (cases, citations,
documents) and nothing above them.

crypto (AES-256-GCM sealing, blind indexes, keyed hashes), authn (client address, lockout
answer, stored sessions), uploads (what an uploaded file really is), problems (the API's error
format), middleware (response headers), logging (filters that keep personal data out of logs),
downloads (how a file leaves the site).
"""
