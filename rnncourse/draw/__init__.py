"""Drawings and plots: unrolled graphs, the five RNN types, the bidirectional RNN, training curves."""

from .bidirectional_diagram import draw_bidirectional
from .diagrams import WEIGHT_COLORS, arrow, canvas, draw_unrolled, node, self_loop
from .plots import plot_ceiling, plot_correct_counts, plot_distributions, plot_history, plot_jacobian_norms
from .stacked_diagram import draw_stacked
from .type_diagrams import draw_all_types, draw_type
