"""The learned Connects-cost model: calibrated on a community's own stated bids, with its
error, and used for quotes only when it is closer than the heuristic.

- :func:`fit` / :func:`fit_all` / :func:`fit_due`: train and store a scope's model (numpy and
  scikit-learn are imported in the worker thread that trains, never by importing this
  package); :func:`fit_due` is the schedule's pass, claiming each scope first.
- :func:`current`: the scope's model as the database holds it, parsed once per fit.
- :func:`predict` / :func:`predict_connects`: the learned cost of a job, in pure Python.
- :func:`model_scope`: which community model a quote asked in a scope is answered from;
  :func:`personal_scope`: the model of a member's own bids;
  :func:`needed`: how many more stated bids a scope needs.

Modules: ``features`` (a bid's row of numbers), ``predictor`` (the exported trees and their
walk), ``effects`` (the factors' effects in words), ``models`` (:class:`CostModel`,
:func:`current`), ``rows`` (the SQL), ``fitting`` (fit off the event loop, the schedule),
``training`` (scikit-learn: the only module that imports it).
"""

from __future__ import annotations

from core.quotes.learning.features import FEATURES, vector
from core.quotes.learning.fitting import fit, fit_all, fit_due, model_scopes, needed, snapshot
from core.quotes.learning.models import (
    EVERY_SCOPE,
    CostModel,
    current,
    every_model,
    judge,
    model_scope,
    predict,
    predict_connects,
)
from core.quotes.learning.predictor import Predictor
from core.quotes.learning.rows import is_personal, personal_scope

__all__ = [
    "EVERY_SCOPE",
    "FEATURES",
    "CostModel",
    "Predictor",
    "current",
    "every_model",
    "fit",
    "fit_all",
    "fit_due",
    "is_personal",
    "judge",
    "model_scope",
    "model_scopes",
    "needed",
    "personal_scope",
    "predict",
    "predict_connects",
    "snapshot",
    "vector",
]
