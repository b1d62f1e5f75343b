package server

// Helpers for this package's tests only.

// Routes returns the route table: patterns and who may use them.
func (s *Server) Routes() []route { return s.table }
