"""underthesea's two pipelines load without its translator (torch, transformers); anything else still works."""

import subprocess
import sys

from tests.conftest import REPO

SCRIPT = """
import sys
from index.light_imports import register_light_underthesea
assert register_light_underthesea()
from underthesea import text_normalize, word_tokenize
print(word_tokenize("Sở Tư pháp chủ trì kế hoạch"), text_normalize("hoà"))
print("torch" in sys.modules, "transformers" in sys.modules)
import underthesea
print(underthesea.sent_tokenize("Một câu. Hai câu.")[0], underthesea.word_tokenize is word_tokenize)
"""


def test_light_then_full_import():
    out = subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.splitlines()
    assert lines[0] == "['Sở', 'Tư pháp', 'chủ trì', 'kế hoạch'] hòa"
    assert lines[1] == "False False"
    assert lines[2] == "Một câu. True"
