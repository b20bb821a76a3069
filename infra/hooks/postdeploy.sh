#!/bin/sh
# After `azd deploy`: waits for the app to answer /api/health with 200 (a cold Flex instance and the first
# sign-in to storage take a while), then says how to make the first tenant key. Reads azd's outputs.
set -eu

health="${SERVICE_API_URI:?SERVICE_API_URI is not set: run azd provision first}/api/health"
echo "Waiting for $health ..."
status=none
attempt=0
while [ "$attempt" -lt 30 ]; do
  status=$(curl --silent --output /dev/null --write-out '%{http_code}' --max-time 20 "$health") || status="no answer"
  if [ "$status" = "200" ]; then
    echo "Healthy: $health"
    echo "Create a tenant key with your own sign-in (az login):"
    echo "  AzureWebJobsStorage__accountName=${AZURE_STORAGE_ACCOUNT_NAME:-<account>} npm run keys -- create <tenant>"
    exit 0
  fi
  attempt=$((attempt + 1))
  sleep 10
done
echo "The app did not answer 200 at $health after 30 tries over up to 15 minutes (last: $status); see infra/README.md, 'When it is not healthy'" >&2
exit 1
