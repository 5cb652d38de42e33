"""Companion package of the rnncourse JupyterLab course on recurrent neural networks.

Importing the package is cheap: TensorFlow is only imported by the modules that need it,
after :func:`rnncourse.course.setup.setup_notebook` has silenced it.
"""

__version__ = "0.1.0"
