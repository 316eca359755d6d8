package sentinelone

import (
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/socgo/xdr/internal/vsraw"
)

// BenchAgentJSON is benchAgentJSON for the benchmarks of package
// sentinelone_test.
var BenchAgentJSON = benchAgentJSON

// benchAgentJSON returns agent i as the console writes it: about 2.4 KiB,
// most of it members that Agent keeps only in Raw.
func benchAgentJSON(i int) []byte {
	t := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
	ts := func(d time.Duration) string { return t.Add(d).Format("2006-01-02T15:04:05.000000Z") }
	id := strconv.Itoa(1700000000000000000 + i)
	return fmt.Appendf(nil, `{"accountId":"433241117337583618","accountName":"Example Corp","activeDirectory":{"computerDistinguishedName":"CN=WS-%[1]d,OU=Workstations,DC=corp,DC=example,DC=com","computerMemberOf":["CN=Domain Computers,CN=Users,DC=corp,DC=example,DC=com"],"lastUserDistinguishedName":"CN=User %[1]d,OU=Staff,DC=corp,DC=example,DC=com","lastUserMemberOf":["CN=Domain Users,CN=Users,DC=corp,DC=example,DC=com","CN=VPN Users,OU=Groups,DC=corp,DC=example,DC=com"],"mail":"user%[1]d@corp.example.com","userPrincipalName":"user%[1]d@corp.example.com"},"activeThreats":%[2]d,"agentVersion":"24.1.5.277","allowRemoteShell":false,"appsVulnerabilityStatus":"up_to_date","cloudProviders":{},"computerName":"WS-%[1]d","consoleMigrationStatus":"N/A","containerizedWorkloadCounts":null,"coreCount":8,"cpuCount":1,"cpuId":"Intel(R) Core(TM) i7-1185G7 @ 3.00GHz","createdAt":"%[3]s","detectionState":"full_mode","domain":"CORP","encryptedApplications":true,"externalId":"","externalIp":"203.0.113.%[4]d","firewallEnabled":true,"firstFullModeTime":"%[3]s","fullDiskScanLastUpdatedAt":"%[5]s","groupId":"1234567890123456789","groupIp":"203.0.113.x","groupName":"Default Group","groupUpdatedAt":null,"hasContainerizedWorkload":false,"id":"%[6]s","inRemoteShellSession":false,"infected":%[7]t,"installerType":".msi","isActive":true,"isAdConnector":false,"isDecommissioned":false,"isPendingUninstall":false,"isUninstalled":false,"isUpToDate":true,"lastActiveDate":"%[8]s","lastIpToMgmt":"10.20.%[4]d.17","lastLoggedInUserName":"user%[1]d","lastSuccessfulScanDate":"%[5]s","licenseKey":"","locationEnabled":true,"locationType":"fallback","locations":[{"id":"629380164464502476","name":"Fallback","scope":"global"}],"machineType":"laptop","missingPermissions":[],"mitigationMode":"protect","mitigationModeSuspicious":"detect","modelName":"Dell Inc. - Latitude 7420","networkInterfaces":[{"gatewayIp":"10.20.%[4]d.1","gatewayMacAddress":"00:11:22:33:44:55","id":"1380999191123456789","inet":["10.20.%[4]d.17"],"inet6":["fe80::a00:27ff:fe4e:66a1"],"name":"Ethernet","physical":"08:00:27:4e:66:a1"},{"gatewayIp":null,"gatewayMacAddress":null,"id":"1380999191123456790","inet":[],"inet6":[],"name":"Wi-Fi","physical":"3c:22:fb:12:34:56"}],"networkQuarantineEnabled":false,"networkStatus":"connected","operationalState":"na","operationalStateExpiration":null,"osArch":"64 bit","osName":"Windows 11 Enterprise","osRevision":"22631","osStartTime":"%[5]s","osType":"windows","osUsername":null,"rangerStatus":"NotApplicable","rangerVersion":null,"registeredAt":"%[3]s","remoteProfilingState":"disabled","remoteProfilingStateExpiration":null,"scanAbortedAt":null,"scanFinishedAt":"%[5]s","scanStartedAt":"%[5]s","scanStatus":"finished","serialNumber":"SN%[1]08d","showAlertIcon":false,"siteId":"433241117346168932","siteName":"Headquarters","storageName":null,"storageType":null,"tags":{"sentinelone":[{"assignedAt":"%[3]s","assignedBy":"admin","assignedById":"1111111111111111111","id":"2222222222222222222","key":"department","value":"finance"}]},"threatRebootRequired":false,"totalMemory":16088,"updatedAt":"%[8]s","userActionsNeeded":[],"uuid":"f3a1c2d4e5b6%[1]020d"}`,
		i, i%3, ts(0), i%250+1, ts(time.Hour), id, i%7 == 0, ts(2*time.Hour))
}

// benchAgentPage is a page of 1000 agents of about 2.4 KiB.
func benchAgentPage() []byte {
	b := []byte(`{"data":[`)
	for i := range 1000 {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, benchAgentJSON(i)...)
	}
	return append(b, `],"pagination":{"nextCursor":"c1","totalItems":100000}}`...)
}

// BenchmarkDecodeAgentPage decodes one page of 1000 agents in memory with
// the list decoder (sdk) and with encoding/json into the same fields
// (raw).
func BenchmarkDecodeAgentPage(b *testing.B) {
	body := benchAgentPage()
	vsraw.Run(b, 1000, func(b *testing.B) {
		for b.Loop() {
			items, _, err := decodePage(body, false, decodePageAgent)
			if err != nil || len(items) != 1000 {
				b.Fatal(len(items), err)
			}
		}
	}, func(b *testing.B) {
		for b.Loop() {
			var env envelope[[]agentAlias]
			if err := json.Unmarshal(body, &env); err != nil || len(env.Data) != 1000 {
				b.Fatal(err)
			}
		}
	})
}
