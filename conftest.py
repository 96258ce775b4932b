"""Test-session isolation, for the tests and for the tutorials nbmake runs in their own kernels.

A developer's own Encord key must never reach a test (the tutorials would sign in to the real
platform instead of the demo server), and the demo workspace is built afresh for the session
rather than shared with `make demo`'s copy.
"""

import atexit
import os
import shutil
import tempfile

for _name in ("ENCORD_SSH_KEY", "ENCORD_SSH_KEY_FILE"):
    os.environ.pop(_name, None)
os.environ["ENCORD_NB_HOME"] = _home = tempfile.mkdtemp(prefix="encord-nb-test-home-")
atexit.register(shutil.rmtree, _home, ignore_errors=True)
