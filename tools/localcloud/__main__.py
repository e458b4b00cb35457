"""``python3 -m localcloud``, the same as ``tools/devcloud``."""
import sys

from localcloud import cli

sys.exit(cli.main())
