"""After go-live (method §6): tracking a project's actuals month by month, the variance, the
reforecast, and the reviews at 3, 6 and 12 months then yearly."""
