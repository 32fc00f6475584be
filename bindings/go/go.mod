module hxjwt.dev/hxjwt

go 1.19
