"""People's rights over their data: export, erasure, retention and the end of an installation."""
