package server

import "github.com/prometheus/client_golang/prometheus"

// Helpers for this package's tests only.

// Routes returns the route table: patterns and who may use them.
func (s *Server) Routes() []route { return s.table }

// Registry is the registry the series live in.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }
