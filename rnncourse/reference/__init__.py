"""The numpy references: every exercise's answer, written once, row-vector and batch-first.

``x (N, D)`` or ``(N, T, D)``, ``h (N, H)``, ``Wx (D, H)``, ``Wh (H, H)``, ``b (H,)``: the
layout of Keras's weights, so they copy over without a transpose (see :mod:`rnncourse.models`).
"""

from .bidirectional import birnn_forward, random_birnn_params
from .bptt import (
                   numerical_gradient,
                   numerical_gradients,
                   rel_error,
                   rnn_backward,
                   rnn_backward_chunked,
                   rnn_backward_truncated,
                   rnn_step_backward,
                   temporal_softmax_loss,
)
from .clipping import clip_by_global_norm, clip_by_value, global_norm
from .gru import count_gru_parameters, gru_forward, gru_step_forward, random_gru_params
from .jacobians import (
                   gru_jacobian_norms,
                   jacobian_norms_for_radius,
                   lstm_jacobian_norms,
                   rnn_jacobian_norms,
                   scaled_recurrent_matrix,
                   spectral_radius,
                   with_spectral_radius,
)
from .lstm import (
                   count_lstm_parameters,
                   lstm_forward,
                   lstm_step_backward,
                   lstm_step_forward,
                   random_lstm_params,
                   sigmoid,
)
from .rnn import count_rnn_parameters, random_rnn_params, rnn_forward, rnn_output_forward, rnn_step_forward, softmax
