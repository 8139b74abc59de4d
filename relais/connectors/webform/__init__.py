"""The public contact form of an e-mail inbox (/contact/<public_key>/): a new
conversation that then continues by e-mail."""
