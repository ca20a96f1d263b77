"""Forecasts that learn: realisation and overrun rates pooled over a workspace's tracked projects."""
