"""The leaders' and admins' dashboard under /app/: signed in from the chat, rendered on the server."""
