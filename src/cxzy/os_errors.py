"""Operating-system failures a user meets (a folder gone, no permission, a full
disk), as message parameters said in the interface's language (``os.*`` messages):
shared by the store, the file formats, the command line and the dashboard."""

from __future__ import annotations

import errno

from cxzy.domain.errors import Violation
from cxzy.file_names import path_fits

#: The usual reasons, by the system's name for them
_OS_REASONS = {
    "ENOENT": "os.missing",
    "ENOTDIR": "os.not_dir",
    "EACCES": "os.denied",
    "EPERM": "os.denied",
    "EROFS": "os.read_only",
    "ENOSPC": "os.full",
    "EDQUOT": "os.full",
    "EISDIR": "os.is_dir",
    "EFBIG": "os.too_large",
    "ENAMETOOLONG": "os.name_too_long",
}


def os_reason(error: OSError) -> Violation | str:
    """Why an operating-system call failed, as a message parameter: a
    :class:`Violation` (rendered in the message's language) for the usual reasons,
    else the system's own words."""
    name = errno.errorcode.get(error.errno or 0, "")
    if name == "ENAMETOOLONG" and isinstance(error.filename, str) and not path_fits(error.filename):
        return Violation("os.path_too_long")  # (each name may fit: the path does not)
    if name in _OS_REASONS:
        return Violation(_OS_REASONS[name])
    return error.strerror or type(error).__name__
