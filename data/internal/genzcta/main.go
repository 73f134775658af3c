// Command genzcta trims the US Census ZCTA gazetteer file to the three columns
// refer needs (zip, latitude, longitude) and writes data/zcta/centroids.csv.
//
//	go run ./data/internal/genzcta ../shared/data/zcta/Gaz_zcta_national.txt > data/zcta/centroids.csv
//
// The source puts longitude BEFORE latitude (INTPTLONG, INTPTLAT); the
// output names its columns so nobody has to remember that.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: genzcta Gaz_zcta_national.txt > centroids.csv")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	fmt.Fprintln(out, "zip,latitude,longitude")
	var lonCol, latCol = -1, -1
	for line := 0; sc.Scan(); line++ {
		cols := strings.Split(strings.TrimRight(sc.Text(), "\r"), "\t")
		if line == 0 {
			for i, c := range cols {
				switch strings.TrimSpace(c) {
				case "INTPTLONG":
					lonCol = i
				case "INTPTLAT":
					latCol = i
				}
			}
			if lonCol < 0 || latCol < 0 {
				fmt.Fprintln(os.Stderr, "genzcta: header lacks INTPTLONG/INTPTLAT")
				os.Exit(1)
			}
			continue
		}
		if len(cols) <= latCol || len(cols) <= lonCol || strings.TrimSpace(cols[0]) == "" {
			continue
		}
		fmt.Fprintf(out, "%s,%s,%s\n", strings.TrimSpace(cols[0]), strings.TrimSpace(cols[latCol]), strings.TrimSpace(cols[lonCol]))
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
