module github.com/orderflow/flowctl

go 1.26.0

require (
	github.com/orderflow/platform v0.0.0
	github.com/segmentio/kafka-go v0.4.51
	github.com/spf13/cobra v1.10.2
	github.com/twmb/franz-go/pkg/kfake v0.0.0-20260918054303-01f206a7e32c
	go.yaml.in/yaml/v3 v3.0.5
)

require github.com/stretchr/testify v1.12.1 // indirect

require (
	github.com/google/uuid v1.6.0
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/klauspost/compress v1.20.3 // indirect
	github.com/pierrec/lz4/v4 v4.1.33 // indirect
	github.com/spf13/pflag v1.0.9 // indirect
	github.com/twmb/franz-go v1.22.3 // indirect; pinned: kfake under-declares it (v1.21.7)
	github.com/twmb/franz-go/pkg/kmsg v1.15.1 // indirect
)

replace github.com/orderflow/platform => ../platform
