"""The tools' shared command line: argument handling, config loading, one-line user errors.

The top layer of mmnoisy: it may import every other package, and none imports it.
"""
from .cli import (add_common_args, build_runner, load_cli_config, rollback_on_user_error,
                  run_cli, user_error_message)

__all__ = [
    'add_common_args', 'build_runner', 'load_cli_config', 'rollback_on_user_error', 'run_cli',
    'user_error_message'
]
