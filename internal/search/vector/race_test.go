//go:build race

package vector

// raceEnabled: the race detector slows the pure-Go parts of the large
// recall tests (data generation, exact search) tenfold, and they exercise
// no concurrency, so they skip under it.
const raceEnabled = true
