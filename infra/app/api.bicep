// The function app: Flex Consumption, Node 22, one user-assigned identity for storage, its deployment package
// and Application Insights. Settings name the storage by its service URIs: the app and the Functions host both
// read them (shared/storage/storageSettings.ts), so neither ever holds a key.
param name string
param location string
param tags object
param planId string
param storageAccountName string
param deploymentContainerName string
param appInsightsName string
param identityId string
param identityClientId string
param retentionDays int
param jobRetentionDays int

@description('Memory of each instance; 2048 MB is the Flex default, far above the app\'s ~160 MB peak.')
param instanceMemoryMB int = 2048
param maximumInstanceCount int = 100

resource stg 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

var appSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AzureWebJobsStorage__blobServiceUri: stg.properties.primaryEndpoints.blob
  AzureWebJobsStorage__queueServiceUri: stg.properties.primaryEndpoints.queue
  AzureWebJobsStorage__tableServiceUri: stg.properties.primaryEndpoints.table
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  // As local.settings.sample.json: the worker's heap and allocator, as the benchmarks measured them.
  languageWorkers__node__arguments: '--max-old-space-size=96 --max-semi-space-size=8 --heap-growing-percent=100'
  MALLOC_ARENA_MAX: '2'
  RetentionDays: string(retentionDays)
  JobRetentionDays: string(jobRetentionDays)
}

module site 'br/public:avm/res/web/site:0.15.1' = {
  name: 'site'
  params: {
    kind: 'functionapp,linux'
    name: name
    location: location
    tags: union(tags, { 'azd-service-name': 'api' })
    serverFarmResourceId: planId
    managedIdentities: {
      systemAssigned: false
      userAssignedResourceIds: [identityId]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${stg.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
    // Replaces the module's default (alwaysOn true, ftpsState), which Flex does not take.
    siteConfig: {
      alwaysOn: false
      minTlsVersion: '1.2'
    }
    appSettingsKeyValuePairs: appSettings
  }
}

output name string = site.outputs.name
output uri string = 'https://${site.outputs.defaultHostname}'
