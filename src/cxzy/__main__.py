import sys

from cxzy.cli import main

sys.exit(main())
