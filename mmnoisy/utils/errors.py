"""The one exception type for a user's mistake.

Anything a user can get wrong (data on disk, a config value, a checkpoint, a command-line
option, an output folder) raises a :class:`UserError` whose message names the value, the
file and the fix. The tools print that message as one ``error:`` line and exit with code 2
(:func:`mmnoisy.apis.cli.run_cli`); every other exception is a bug and keeps its traceback.
"""


class UserError(Exception):
    """A mistake in the user's input; the message says what is wrong and how to fix it."""


class ConfigError(UserError, ValueError):
    """A config value that cannot work (a misspelt key, a value out of range)."""


class CheckpointError(UserError):
    """A checkpoint that cannot be loaded safely, or that does not fit the model."""


class OutputDirError(UserError):
    """An output folder that a tool refuses to write into (it would overwrite user data)."""
