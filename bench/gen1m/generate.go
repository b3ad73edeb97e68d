package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// Options configure Generate.
type Options struct {
	N       int    // papers to write
	Seed    uint64 // seed of the synthetic papers
	DataDir string // folder holding arxiv/ and hf-daily/
	Out     string // output file; .zst compresses
	Queries string // if set, the file to write the benchmark query set to
	NQ      int    // queries drawn from titles (the common ones come on top)
}

// Stats counts the papers written by kind.
type Stats struct {
	Listings, Daily, Synthetic int
}

// blockSize is the number of synthetic papers a worker makes at a time.
// Block i always draws from the random source (seed, i), so the output does
// not depend on the number of workers.
const blockSize = 1024

// maxNumber is the largest paper number of a month (five digits).
const maxNumber = 99_999

// Generate writes the catalogue described in the package comment. The file
// appears under its name only when complete.
func Generate(o Options) (st Stats, err error) {
	if o.N < 0 {
		return st, fmt.Errorf("negative number of papers %d", o.N)
	}
	tmp := o.Out + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return st, err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	var sink io.Writer = f
	var zw *zstd.Encoder
	if strings.HasSuffix(o.Out, ".zst") {
		if zw, err = zstd.NewWriter(f); err != nil {
			return st, err
		}
		sink = zw
	}
	w := bufio.NewWriterSize(sink, 1<<20)
	written := 0
	emit := func(line []byte) error {
		if written >= o.N {
			return nil
		}
		written++
		w.Write(line)
		return w.WriteByte('\n')
	}

	c := newCorpus()
	if _, err = c.readListings(filepath.Join(o.DataDir, listingsFile), emit); err != nil {
		return st, err
	}
	st.Listings = written
	if _, err = c.readDaily(filepath.Join(o.DataDir, dailyFile), newClassifier(c), emit); err != nil {
		return st, err
	}
	st.Daily = written - st.Listings
	if o.Queries != "" {
		if err = writeQueries(o.Queries, makeQueries(c, o.NQ, o.Seed)); err != nil {
			return st, err
		}
	}
	if rest := o.N - written; rest > 0 {
		if len(c.papers) == 0 {
			return st, errors.New("no real papers to derive synthetic ones from")
		}
		if err = synthesize(w, newSynthesizer(c), o.Seed, rest); err != nil {
			return st, err
		}
		st.Synthetic = rest
	}
	if err = w.Flush(); err != nil {
		return st, err
	}
	if zw != nil {
		if err = zw.Close(); err != nil {
			return st, err
		}
	}
	if err = f.Close(); err != nil {
		return st, err
	}
	return st, os.Rename(tmp, o.Out)
}

// block is a run of synthetic papers made by one worker: the tails of their
// listing lines end to end in buf, and their listing days.
type block struct {
	ends []int
	days []int32
	buf  []byte
	done chan struct{}
}

// synthesize writes n synthetic papers to w. Workers make blocks in
// parallel; the writer takes them in order and gives each paper its
// identifier (the month of its listing day, then a counter), so the ids are
// dense and the same for the same seed.
func synthesize(w *bufio.Writer, s *synthesizer, seed uint64, n int) error {
	workers := runtime.GOMAXPROCS(0)
	type job struct {
		b     *block
		index int
	}
	order := make(chan *block, 2*workers)
	jobs := make(chan job, 2*workers)
	stop := make(chan struct{})
	go func() {
		defer close(order)
		defer close(jobs)
		for i := 0; i*blockSize < n; i++ {
			b := &block{done: make(chan struct{})}
			select {
			case order <- b:
				jobs <- job{b, i}
			case <-stop:
				return
			}
		}
	}()
	for range workers {
		go func() {
			var sc scratch
			for j := range jobs {
				rng := rand.New(rand.NewPCG(seed, uint64(j.index)))
				count := min(blockSize, n-j.index*blockSize)
				b := j.b
				for range count {
					var day int32
					b.buf, day = s.paper(rng, &sc, b.buf)
					b.ends = append(b.ends, len(b.buf))
					b.days = append(b.days, day)
				}
				close(b.done)
			}
		}()
	}

	var err error
	next := map[int]int{} // month index → last number used
	var head, id []byte
	for b := range order {
		<-b.done
		if err != nil {
			continue // drain, so the goroutines end
		}
		start := 0
		for i, end := range b.ends {
			day := s.days[b.days[i]]
			month := (day.Year()-firstYear)*12 + int(day.Month()) - 1
			num := next[month] + 1
			id = appendID(id[:0], day.Year()-firstYear+firstYY, int(day.Month()), num)
			for s.c.ids[string(id)] { // cannot happen before 2030; kept so it never collides
				num++
				id = appendID(id[:0], day.Year()-firstYear+firstYY, int(day.Month()), num)
			}
			if num > maxNumber {
				err = fmt.Errorf("too many synthetic papers: month %s has no paper number left", day.Format("2006-01"))
				close(stop)
				break
			}
			next[month] = num
			head = appendHead(head[:0], day, string(id))
			w.Write(head)
			w.Write(b.buf[start:end])
			if werr := w.WriteByte('\n'); werr != nil {
				err = werr
				close(stop)
				break
			}
			start = end
		}
	}
	return err
}

// appendID appends the identifier YYMM.NNNNN.
func appendID(b []byte, yy, month, num int) []byte {
	b = strconv.AppendInt(b, int64(yy), 10)
	if month < 10 {
		b = append(b, '0')
	}
	b = strconv.AppendInt(b, int64(month), 10)
	b = append(b, '.')
	for d := 10_000; d > 1 && num < d; d /= 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, int64(num), 10)
}
