"""The command line: parse arguments, call `app`, print, map errors to exit codes. No
policy lives here.

May import: anything.
"""
