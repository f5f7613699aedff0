// The Go consumer app: the reference app of examples/reference-app.ts, built against the module
// jsii-pacmak generates in dist/go, as a user of the Go module would. test/bindings/run.sh compares
// its templates with TypeScript's.
module reference-app

go 1.26.0

require (
	// The aws-cdk-lib the TypeScript app runs (run.sh checks), so that templates can be compared.
	github.com/aws/aws-cdk-go/awscdk/v2 v2.258.0
	github.com/aws/constructs-go/constructs/v10 v10.6.0
	// Newer than the v1.140.0 jsii-pacmak asks for: v1.140.0 waits for the node process twice when
	// the app ends and prints "Runtime process exited abnormally: waitid: no child processes".
	github.com/aws/jsii-runtime-go v1.142.0
	github.com/cdk-multi-env/cdk-multi-env-go/cdkmultienv v0.0.0
)

require (
	github.com/Masterminds/semver/v3 v3.5.0 // indirect
	github.com/cdklabs/awscdk-asset-awscli-go/awscliv1/v2 v2.2.282 // indirect
	github.com/cdklabs/awscdk-asset-node-proxy-agent-go/nodeproxyagentv6/v2 v2.1.3 // indirect
	github.com/cdklabs/cloud-assembly-schema-go/awscdkcloudassemblyschema/v54 v54.26.0 // indirect
	github.com/fatih/color v1.19.0 // indirect
	github.com/mattn/go-colorable v0.1.14 // indirect
	github.com/mattn/go-isatty v0.0.24 // indirect
	github.com/yuin/goldmark v1.7.16 // indirect
	golang.org/x/lint v0.0.0-20241112194109-818c5a804067 // indirect
	golang.org/x/mod v0.42.0 // indirect
	golang.org/x/sync v0.24.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/telemetry v0.0.0-20261009151841-97e8ea77aa2a // indirect
	golang.org/x/tools v0.52.0 // indirect
	golang.org/x/tools/cmd/godoc v0.1.0-deprecated // indirect
	golang.org/x/tools/godoc v0.1.0-deprecated // indirect
)

// This library as jsii-pacmak generates it (npx projen package:go), not a published copy.
replace github.com/cdk-multi-env/cdk-multi-env-go/cdkmultienv => ../../../dist/go/cdkmultienv

// The constructs the TypeScript app runs (run.sh checks): aws-cdk-go v2.258.0 asks for v10.6.0,
// while aws-cdk-lib 2.258.0 itself accepts constructs ^10.5.0.
replace github.com/aws/constructs-go/constructs/v10 => github.com/aws/constructs-go/constructs/v10 v10.5.1

// dist/go asks for the cloud-assembly-schema-go of the TypeScript app (v54.26.0), which the module
// proxy does not serve: the one aws-cdk-go v2.258.0 was released with is used instead.
replace github.com/cdklabs/cloud-assembly-schema-go/awscdkcloudassemblyschema/v54 => github.com/cdklabs/cloud-assembly-schema-go/awscdkcloudassemblyschema/v54 v54.1.0
