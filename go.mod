module github.com/openreferral/refer

go 1.26.8

require (
	github.com/google/uuid v1.6.0 // indirect
	github.com/paulmach/orb v0.14.0 // indirect
	go.etcd.io/bbolt v1.5.0 // indirect
	go.mongodb.org/mongo-driver/v2 v2.5.0 // indirect
	golang.org/x/sys v0.45.0 // indirect
)
