package xdr

// Version is the version of this module. It is sent in the User-Agent header
// of every request as "socgo-xdr/<Version>".
const Version = "0.1.0"
