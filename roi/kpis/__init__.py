"""KPIs over time: dated measurements of each KPI after go-live, their page and chart."""
