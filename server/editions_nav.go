package server

// hasEditions reports whether a digest of the config is editorial: the
// menu then shows the editions.
func (s *Server) hasEditions() bool {
	for _, dg := range s.o.Config.Digests {
		if dg.Editorial {
			return true
		}
	}
	return false
}
