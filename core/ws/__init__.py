"""The socket's pieces that know no game: frames and the envelope (frames.py), pushes' batching (outbox.py)."""
