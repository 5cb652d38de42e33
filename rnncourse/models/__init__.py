"""Keras: the course's model builders and the weight converters between Keras and numpy.

Importing this package does not import TensorFlow; each builder does, quietly, when called.
"""

from .batches import fixed_batches
from .char_model import build_char_model, epoch_batches, make_predictor, one_hot_batches, perplexity
from .classical import holt_winters_forecast, sarima_forecast, walk_forward
from .convert import (
                      bidirectional_weights,
                      gru_weights,
                      keras_bidirectional_rnn,
                      keras_gru,
                      keras_lstm,
                      keras_simple_rnn,
                      lstm_weights,
                      simple_rnn_weights,
)
from .forecaster import build_forecaster, rnn_block_forecaster
from .generation import StatefulPredictor, generate_stateful, generate_text, reweight, sample_next_char
from .rnn_types import (
                      build_encoder_decoder,
                      build_many_to_many,
                      build_many_to_one,
                      build_one_to_many,
                      build_one_to_one,
                      count_parameters,
)
from .sequence_model import (
                      build_sequence_model,
                      fit_clipped,
                      influence_of_distance,
                      sequence_batches,
                      sequence_log_probs,
                      shifted_sequences,
)
from .stacked import build_stacked_rnn, loss_and_accuracy
