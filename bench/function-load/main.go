// function-load drives bench/function.ts: the client side of a composition function benchmark, written the
// way Crossplane calls a function (grpc-go, one connection), so that the client's own cost is small next to
// the server's and the server is what limits throughput. It sends one pre-encoded RunFunctionRequest again and
// again and keeps each answer's bytes without decoding them.
//
//	function-load -address 127.0.0.1:9443 -request req.bin -warmup 200 -sequential 600 -seconds 2 -in-flight 16
//
// prints one JSON line: the sequential calls' latencies in milliseconds, then how many calls the in-flight
// load completed in how many seconds.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/mem"
)

const method = "/apiextensions.fn.proto.v1.FunctionRunnerService/RunFunction"

// raw passes bytes through: the request is encoded once, the answers are kept as bytes.
type raw struct{}

func (raw) Marshal(v any) (mem.BufferSlice, error) {
	return mem.BufferSlice{mem.SliceBuffer(*v.(*[]byte))}, nil
}

func (raw) Unmarshal(data mem.BufferSlice, v any) error {
	*v.(*[]byte) = data.Materialize()
	return nil
}

func (raw) Name() string { return "proto" }

type result struct {
	LatenciesMs []float64 `json:"latenciesMs"`
	Calls       int64     `json:"calls"`
	Seconds     float64   `json:"seconds"`
}

func main() {
	address := flag.String("address", "", "host:port of the function server")
	requestFile := flag.String("request", "", "file holding an encoded RunFunctionRequest")
	warmup := flag.Int("warmup", 200, "calls made before measuring")
	sequential := flag.Int("sequential", 0, "calls made one after another, for latency")
	seconds := flag.Float64("seconds", 0, "seconds of load with -in-flight calls at once, for throughput")
	inFlight := flag.Int("in-flight", 16, "calls in flight during the load")
	flag.Parse()
	if err := run(*address, *requestFile, *warmup, *sequential, *seconds, *inFlight); err != nil {
		fmt.Fprintln(os.Stderr, "function-load:", err)
		os.Exit(1)
	}
}

func run(address, requestFile string, warmup, sequential int, seconds float64, inFlight int) error {
	request, err := os.ReadFile(requestFile)
	if err != nil {
		return err
	}
	conn, err := grpc.NewClient(address,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodecV2(raw{})))
	if err != nil {
		return err
	}
	defer conn.Close()
	ctx := context.Background()
	call := func() error {
		var answer []byte
		return conn.Invoke(ctx, method, &request, &answer)
	}
	for i := 0; i < warmup; i++ {
		if err := call(); err != nil {
			return err
		}
	}
	out := result{LatenciesMs: make([]float64, 0, sequential)}
	for i := 0; i < sequential; i++ {
		start := time.Now()
		if err := call(); err != nil {
			return err
		}
		out.LatenciesMs = append(out.LatenciesMs, float64(time.Since(start).Nanoseconds())/1e6)
	}
	if seconds > 0 {
		out.Calls, out.Seconds, err = load(call, time.Duration(seconds*float64(time.Second)), inFlight)
		if err != nil {
			return err
		}
	}
	return json.NewEncoder(os.Stdout).Encode(out)
}

// load keeps inFlight calls going until the time is up and counts the ones that finished.
func load(call func() error, duration time.Duration, inFlight int) (int64, float64, error) {
	var done atomic.Int64
	var failed atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	until := start.Add(duration)
	for w := 0; w < inFlight; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(until) {
				if err := call(); err != nil {
					failed.CompareAndSwap(nil, err)
					return
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		return 0, 0, err
	}
	return done.Load(), time.Since(start).Seconds(), nil
}
