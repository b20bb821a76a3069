// The client CSV import service in one resource group: a Flex Consumption function app on Node 22 that reaches
// its storage account, Application Insights and its deployment package through one user-assigned managed
// identity. No account key or connection string exists anywhere: the account refuses shared keys.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; names the resource group and seeds the unique resource names.')
param environmentName string

@minLength(1)
@description('Region of every resource. Flex Consumption runs in a subset of regions: `az functionapp list-flexconsumption-locations`.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of whoever runs azd: given the app\'s storage data roles, so `npm run keys` works with their own sign-in.')
param principalId string = deployer().objectId

@description('Whether principalId is a user or a service principal (azd signed in with --client-id, as in a pipeline).')
@allowed(['User', 'ServicePrincipal'])
param principalType string = 'User'

@description('Days a finished import\'s files (source, preview, not-imported CSV) are kept; the app\'s RetentionDays.')
@minValue(1)
param retentionDays int = 30

@description('Days a finished import\'s record (counts, dates, options) is kept; the app\'s JobRetentionDays.')
@minValue(1)
param jobRetentionDays int = 400

@description('Redundancy of the storage account that holds the clients, the jobs and the files.')
@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_GZRS'])
param storageSku string = 'Standard_GRS'

@description('Origins besides the app itself that may upload straight to Blob Storage through upload URLs (a custom domain of the import page).')
param extraUploadOrigins array = []

var abbrs = loadJsonContent('./abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var functionAppName = '${abbrs.webSitesFunctions}${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'

// Names the app itself uses (shared/storage/storageLayout.ts); tests/unit/infra.test.ts keeps them equal.
var importFilesContainer = 'import-files'
var importQueue = 'client-imports'
var uploadEventsQueue = 'import-file-events'
var tables = ['ImportJobs', 'Clients', 'ApiKeys', 'UploadReceipts', 'CsvMappings']
// The lifecycle rule is a backstop for the app's own retention sweep: it acts only if the sweep has not.
var lifecycleGraceDays = 7

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'br/public:avm/res/managed-identity/user-assigned-identity:0.4.1' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'br/public:avm/res/storage/storage-account:0.8.3' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    kind: 'StorageV2'
    skuName: storageSku
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    dnsEndpointType: 'Standard'
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
    blobServices: {
      containers: [
        { name: deploymentContainerName }
        { name: importFilesContainer }
      ]
      // The import page PUTs large files straight to their upload URL: a cross-origin request from the app.
      corsRules: [
        {
          allowedOrigins: concat(['https://${functionAppName}.azurewebsites.net'], extraUploadOrigins)
          allowedMethods: ['PUT', 'GET', 'HEAD', 'OPTIONS']
          allowedHeaders: ['content-type', 'x-ms-*']
          exposedHeaders: ['etag', 'x-ms-*']
          maxAgeInSeconds: 3600
        }
      ]
      deleteRetentionPolicyEnabled: true
      deleteRetentionPolicyDays: 7
      containerDeleteRetentionPolicyEnabled: true
      containerDeleteRetentionPolicyDays: 7
    }
    queueServices: {
      queues: [
        { name: importQueue }
        { name: uploadEventsQueue }
      ]
    }
    tableServices: {
      tables: [for table in tables: { name: table }]
    }
    managementPolicyRules: [
      {
        name: 'delete-import-files-after-retention'
        enabled: true
        type: 'Lifecycle'
        definition: {
          actions: {
            baseBlob: {
              delete: {
                daysAfterModificationGreaterThan: retentionDays + lifecycleGraceDays
              }
            }
            snapshot: {
              delete: {
                daysAfterCreationGreaterThan: retentionDays + lifecycleGraceDays
              }
            }
          }
          filters: {
            blobTypes: ['blockBlob']
            prefixMatch: ['${importFilesContainer}/']
          }
        }
      }
    ]
  }
}

module logAnalytics 'br/public:avm/res/operational-insights/workspace:0.11.1' = {
  name: 'logAnalytics'
  scope: rg
  params: {
    name: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    location: location
    tags: tags
    dataRetention: 30
  }
}

module monitoring 'br/public:avm/res/insights/component:0.6.0' = {
  name: 'monitoring'
  scope: rg
  params: {
    name: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
    workspaceResourceId: logAnalytics.outputs.resourceId
    disableLocalAuth: true
  }
}

module plan 'br/public:avm/res/web/serverfarm:0.1.1' = {
  name: 'plan'
  scope: rg
  params: {
    name: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    sku: {
      name: 'FC1'
      tier: 'FlexConsumption'
    }
    reserved: true
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    appInsightsName: monitoring.outputs.name
    identityPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
    userPrincipalType: principalType
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: functionAppName
    location: location
    tags: tags
    planId: plan.outputs.resourceId
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    appInsightsName: monitoring.outputs.name
    identityId: identity.outputs.resourceId
    identityClientId: identity.outputs.clientId
    retentionDays: retentionDays
    jobRetentionDays: jobRetentionDays
  }
  // The host reaches its storage through the identity from its first start.
  dependsOn: [rbac]
}

module uploadEvents 'app/eventgrid.bicep' = {
  name: 'uploadEvents'
  scope: rg
  params: {
    name: '${abbrs.eventGridDomainsTopics}${resourceToken}'
    location: location
    tags: tags
    storageAccountName: storage.outputs.name
    queueName: uploadEventsQueue
    subjectBeginsWith: '/blobServices/default/containers/${importFilesContainer}/blobs/uploads/'
    identityId: identity.outputs.resourceId
  }
  // Event Grid writes to the queue as the identity, which needs its queue role first.
  dependsOn: [rbac]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.primaryBlobEndpoint
