//! nag2prom: move monitoring from Nagios Core 4 to Prometheus.
