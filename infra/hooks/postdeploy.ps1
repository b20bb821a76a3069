# After `azd deploy`: waits for the app to answer /api/health with 200 (a cold Flex instance and the first
# sign-in to storage take a while), then says how to make the first tenant key. Reads azd's outputs.
$ErrorActionPreference = 'Stop'

if (-not $env:SERVICE_API_URI) { throw 'SERVICE_API_URI is not set: run azd provision first' }
$health = "$($env:SERVICE_API_URI)/api/health"
Write-Host "Waiting for $health ..."
$status = 'none'
for ($attempt = 0; $attempt -lt 30; $attempt++) {
  try {
    $status = (Invoke-WebRequest -Uri $health -UseBasicParsing -TimeoutSec 20 -SkipHttpErrorCheck).StatusCode
  } catch {
    $status = 'no answer'
  }
  if ($status -eq 200) {
    Write-Host "Healthy: $health"
    Write-Host 'Create a tenant key with your own sign-in (az login):'
    Write-Host "  `$env:AzureWebJobsStorage__accountName='$($env:AZURE_STORAGE_ACCOUNT_NAME)'; npm run keys -- create <tenant>"
    exit 0
  }
  Start-Sleep -Seconds 10
}
Write-Error "The app did not answer 200 at $health after 30 tries over up to 15 minutes (last: $status); see infra/README.md, 'When it is not healthy'"
exit 1
