// Command benchtable runs the comparison benchmarks of the module (those
// named BenchmarkVsRaw<Path>, each with an sdk and a raw sub-benchmark over
// the same data) and prints a markdown table of their medians and ratios.
//
//	go run ./internal/benchtable                       # -count 5, every package
//	go run ./internal/benchtable -count 7 -bench 'VsRawAgents' ./sentinelone
//
// Each package's test binary is built once; then, round after round, every
// binary runs all its comparisons once (-test.count 1), so that sdk and raw
// of a path always run next to each other and a change in the machine's
// load touches both. The rounds alternate the order of the packages. The
// table gives, per path and metric (ns/op, B/op, allocs/op and the custom
// metrics such as items/s), the median of the rounds for sdk and raw and
// their ratio sdk/raw: below 1 the SDK is faster or lighter, except for
// rates (".../s"), where above 1 is better.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// defaultPackages are the packages holding comparisons.
var defaultPackages = []string{"./sentinelone", "./tehtris", "./sekoia"}

func main() {
	count := flag.Int("count", 5, "rounds (medians are taken over them)")
	bench := flag.String("bench", "VsRaw", "benchmarks to run (a -test.bench pattern)")
	benchtime := flag.String("benchtime", "1x", "-test.benchtime of each run")
	timeout := flag.String("timeout", "30m", "-test.timeout of each run")
	verbose := flag.Bool("v", false, "print each run's output to stderr")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: benchtable [flags] [packages]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	pkgs := flag.Args()
	if len(pkgs) == 0 {
		pkgs = defaultPackages
	}
	if err := run(os.Stdout, pkgs, *count, *bench, *benchtime, *timeout, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

// binary is a package's test binary and the directory it runs in.
type binary struct{ path, dir string }

func run(w io.Writer, pkgs []string, count int, bench, benchtime, timeout string, verbose bool) error {
	if count < 1 {
		return fmt.Errorf("-count %d: need at least one round", count)
	}
	tmp, err := os.MkdirTemp("", "benchtable")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	var bins []binary
	for i, p := range pkgs {
		dir, err := output("go", "list", "-f", "{{.Dir}}", p)
		if err != nil {
			return err
		}
		bin := filepath.Join(tmp, fmt.Sprintf("pkg%d.test", i))
		if _, err := output("go", "test", "-c", "-o", bin, p); err != nil {
			return err
		}
		if _, err := os.Stat(bin); err != nil {
			continue // no test files
		}
		bins = append(bins, binary{bin, strings.TrimSpace(dir)})
	}
	res := results{}
	for r := range count {
		order := slices.Clone(bins)
		if r%2 == 1 {
			slices.Reverse(order)
		}
		for _, b := range order {
			fmt.Fprintf(os.Stderr, "round %d/%d: %s\n", r+1, count, b.dir)
			cmd := exec.Command(b.path, "-test.run", "^$", "-test.bench", bench, "-test.benchmem",
				"-test.count", "1", "-test.benchtime", benchtime, "-test.timeout", timeout)
			cmd.Dir = b.dir
			cmd.Stderr = os.Stderr
			out, err := cmd.Output()
			if verbose {
				os.Stderr.Write(out)
			}
			if err != nil {
				os.Stderr.Write(out)
				return fmt.Errorf("%s: %w", b.dir, err)
			}
			res.parse(filepath.Base(b.dir), out)
		}
	}
	if len(res) == 0 {
		return fmt.Errorf("no benchmark matched %q", bench)
	}
	res.print(w)
	return nil
}

// output runs a command and returns its standard output.
func output(name string, args ...string) (string, error) {
	var stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return string(out), nil
}

// results maps a path ("sentinelone.VsRawAgentsAll") to its sub-benchmarks ("sdk",
// "raw") to their metrics ("ns/op") to the values of the rounds.
type results map[string]map[string]map[string][]float64

// lineRE matches a result line: BenchmarkVsRawX/sdk-2  N  v unit  v unit…
var lineRE = regexp.MustCompile(`^Benchmark(\S+)/(sdk|raw)(?:-\d+)?\s+\d+\s+(.*)$`)

// parse adds the results in the output out of package pkg.
func (r results) parse(pkg string, out []byte) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		m := lineRE.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		path, sub, f := pkg+"."+m[1], m[2], strings.Fields(m[3])
		for i := 0; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			if r[path] == nil {
				r[path] = map[string]map[string][]float64{}
			}
			if r[path][sub] == nil {
				r[path][sub] = map[string][]float64{}
			}
			r[path][sub][f[i+1]] = append(r[path][sub][f[i+1]], v)
		}
	}
}

// metricOrder puts the standard metrics first, then the custom ones by name.
func metricOrder(a, b string) int {
	rank := func(m string) int {
		switch m {
		case "ns/op":
			return 0
		case "allocs/op":
			return 1
		case "B/op":
			return 2
		}
		return 3
	}
	if c := rank(a) - rank(b); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func (r results) print(w io.Writer) {
	paths := make([]string, 0, len(r))
	for p := range r {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	fmt.Fprintln(w, "| path | metric | sdk | raw | sdk/raw | runs |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|")
	for _, p := range paths {
		var metrics []string
		for m := range r[p]["sdk"] {
			metrics = append(metrics, m)
		}
		slices.SortFunc(metrics, metricOrder)
		for _, m := range metrics {
			sdk, raw := r[p]["sdk"][m], r[p]["raw"][m]
			ratio := "-"
			if ms, mr := median(sdk), median(raw); len(raw) > 0 && mr != 0 {
				ratio = fmt.Sprintf("%.2fx", ms/mr)
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %d |\n", p, m, format(median(sdk), len(sdk)), format(median(raw), len(raw)), ratio, min(len(sdk), len(raw)))
		}
	}
}

// median returns the median of v (0 when empty).
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}

func format(v float64, n int) string {
	if n == 0 {
		return "-"
	}
	if v >= 100 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}
