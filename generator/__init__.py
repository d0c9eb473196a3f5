"""A privacy statement as code: load -> validate -> check -> render."""
