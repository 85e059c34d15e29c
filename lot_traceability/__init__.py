from . import models
from . import wizard
from . import report
from .hooks import uninstall_hook
