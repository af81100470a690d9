import os
import subprocess
import sys
import unittest

import _support  # noqa: F401  (sys.path)
from kairos import _native as n


class NativeLayerTest(unittest.TestCase):
    def test_abi_version_matches(self):
        self.assertEqual(n.library().kairos_store_abi_version(), n.KAIROS_STORE_ABI_VERSION)

    def test_status_names_mirror_the_header(self):
        lib = n.library()
        for name in dir(n):
            if name.startswith("KAIROS_ERR_") or name == "KAIROS_OK":
                self.assertEqual(lib.kairos_status_name(getattr(n, name)).decode(), name)
        self.assertEqual(lib.kairos_status_name(-999).decode(), "KAIROS_ERR_UNKNOWN")

    def test_every_status_maps_to_an_error_class(self):
        for name in dir(n):
            if name.startswith("KAIROS_ERR_"):
                err = n.error("f", getattr(n, name), "detail")
                self.assertIsInstance(err, n.KairosError)
                self.assertEqual(err.status_name, name)
                self.assertIn(name, str(err))
                self.assertIn("detail", str(err))
        self.assertIsInstance(n.error("f", n.KAIROS_ERR_TIMEOUT, ""), TimeoutError)
        self.assertIsInstance(n.error("f", n.KAIROS_ERR_NOT_FOUND, ""), LookupError)

    def test_failed_call_carries_the_last_error_detail(self):
        from kairos import Store
        with self.assertRaises(n.InvalidArgumentError) as ctx:
            Store.create("bad/name", 1 << 20)
        self.assertEqual(ctx.exception.status, n.KAIROS_ERR_INVALID_ARGUMENT)
        self.assertTrue(ctx.exception.detail, "kairos_last_error_detail() was empty")

    def test_missing_library_named_by_env_is_a_clear_error(self):
        env = dict(os.environ, KAIROS_NATIVE_LIB="/nonexistent/libkairos.so")
        code = "import kairos._native as n\ntry:\n n.library()\nexcept n.LibraryNotFoundError as e:\n print('ERR', e)"
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60,
                             cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        self.assertIn("ERR KAIROS_NATIVE_LIB=/nonexistent/libkairos.so is not a file", out.stdout, out.stderr)


if __name__ == "__main__":
    unittest.main()
