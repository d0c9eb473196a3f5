"""i-Centrum's privacy statement as code: load -> validate -> check -> render."""
