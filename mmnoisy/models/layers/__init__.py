from .dsbn import DSBN, convert_dsbn, dsbn_domain

__all__ = ['DSBN', 'convert_dsbn', 'dsbn_domain']
