"""Screenshots of a job page read as a pasted post: checked (:mod:`.images`), recognised in a
worker pool (:mod:`.pool`), put back into lines in reading order (:mod:`.lines`), then handed to
the post reader (:mod:`core.quotes.jobpost`) with a pasted post's rules. Nothing here imports the
image libraries at import time; images are never stored."""
