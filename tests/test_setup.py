import subprocess
import sys


def test_setup_writes_nothing_to_stderr():
    """The first cell of every notebook: one line on stdout, nothing on stderr."""
    code = ("from rnncourse.course.setup import setup_notebook\nsetup_notebook()\n"
            "import keras, numpy as np\n"
            "m = keras.Sequential([keras.Input((3, 4)), keras.layers.SimpleRNN(2), keras.layers.Dense(4)])\n"
            "m.compile('adam', 'mse'); m.fit(np.zeros((4, 3, 4)), np.zeros((4, 4)), verbose=0)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "TF_ENABLE_ONEDNN_OPTS": "1"})
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.count("\n") == 1 and "TensorFlow" in done.stdout and "seed 0" in done.stdout


FROZEN = """
import atexit, gc, weakref
atexit.register(lambda: print(gc.get_freeze_count() - frozen > 10_000))   # runs last: after the set-up's
from rnncourse.course import setup_notebook
setup_notebook()
setup_notebook()                              # a set-up cell run twice
frozen = gc.get_freeze_count()
class Node:
    pass
a, b = Node(), Node()
a.other, b.other = b, a                       # a cycle made after the set-up, then dropped
freed = []
weakref.finalize(a, freed.append, "a")
del a, b
gc.collect()
print(frozen, freed)
made = [[i] for i in range(20_000)]           # made after the set-up and kept until the exit
"""


def test_setup_freezes_what_it_imported_later_garbage_is_collected_and_the_exit_freezes_the_rest():
    done = subprocess.run([sys.executable, "-c", FROZEN], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    *_, counts, at_exit = done.stdout.splitlines()
    frozen, freed = counts.split(" ", 1)
    assert int(frozen) > 100_000                  # TensorFlow's and Keras's objects, among others
    assert freed == "['a']"
    assert at_exit == "True"                      # the exit did not walk what the notebook made


def test_seeding_makes_numpy_and_keras_repeatable():
    import numpy as np

    from rnncourse.course.setup import seed_everything
    from rnncourse.models.char_model import build_char_model

    runs = []
    for _ in range(2):
        seed_everything(3)
        runs.append((np.random.rand(3), build_char_model(2, 3, units=2).get_weights()[0]))
    np.testing.assert_array_equal(runs[0][0], runs[1][0])
    np.testing.assert_array_equal(runs[0][1], runs[1][1])


DEFERRED = """
import sys
from rnncourse.course import setup_notebook, quiet_tensorflow
setup_notebook({arguments})
imported = "tensorflow" in sys.modules
import random, numpy as np
drawn = [random.random(), float(np.random.rand())]
_, keras = quiet_tensorflow()
layer = keras.layers.SimpleRNN(3)
layer.build((None, None, 2))
print(imported, drawn, [random.random(), float(np.random.rand())], layer.get_weights()[0].tolist())
"""


def test_tensorflow_false_defers_the_import_and_seeds_as_the_eager_set_up_does():
    """Units whose exercises are numpy only start without TensorFlow; when a cell then imports it,
    Keras's weights, ``random`` and numpy draw exactly what they draw after the eager set-up."""
    def run(arguments):
        done = subprocess.run([sys.executable, "-c", DEFERRED.format(arguments=arguments)],
                              capture_output=True, text=True)
        assert done.returncode == 0 and done.stderr == "", done.stderr
        return done.stdout.splitlines()[-1]

    eager, deferred = run(""), run("tensorflow=False")
    assert eager.startswith("True ") and deferred.startswith("False ")
    assert eager.split(" ", 1)[1] == deferred.split(" ", 1)[1]


def test_no_collection_runs_during_a_paused_import_and_what_it_made_is_frozen_after():
    import gc

    from rnncourse.course.setup import _collector_paused

    ran = []
    gc.callbacks.append(collect := lambda phase, info: ran.append(info["generation"]))
    try:
        frozen = gc.get_freeze_count()
        with _collector_paused():
            made = [[i] for i in range(50_000)]          # 70 times the threshold of a young collection
        assert ran == [] and gc.isenabled()
        assert gc.get_freeze_count() - frozen >= len(made)
    finally:
        gc.callbacks.remove(collect)
