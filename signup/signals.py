"""Signals the portal sends so that optional apps can take part without the portal knowing them."""

from __future__ import annotations

from django.dispatch import Signal

#: Sent (sender=None, attribute_names=list[str]) just before configured fields are checked against the user pool.
#: A receiver that can add attributes to the pool (the embedded local Cognito does, real pools never) adds the missing
#: ones and returns True; the portal then reads the pool again before checking.
pool_attributes_wanted = Signal()
