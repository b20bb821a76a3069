// BlobCreated events of large-file uploads, written by Event Grid to a storage queue that importBlobArrived
// reads. A queue rather than a webhook: it needs no function key and no step after deploying (a webhook
// subscription can only be made once the function exists), and events wait in the queue, with retries and
// a poison queue, while the app deploys or scales from zero. Event Grid writes as the app's identity, which
// holds Storage Queue Data Contributor on the account.
param name string
param location string
param tags object
param storageAccountName string
param queueName string
param subjectBeginsWith string
param identityId string

resource storageAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    source: storageAccount.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource uploads 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: topic
  name: 'import-file-uploads'
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: ['Microsoft.Storage.BlobCreated']
      subjectBeginsWith: subjectBeginsWith
      subjectEndsWith: '.csv'
    }
    deliveryWithResourceIdentity: {
      identity: {
        type: 'UserAssigned'
        userAssignedIdentity: identityId
      }
      destination: {
        endpointType: 'StorageQueue'
        properties: {
          resourceId: storageAccount.id
          queueName: queueName
          // Never expire: an event waits however long the app is away.
          queueMessageTimeToLiveInSeconds: -1
        }
      }
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
}

output name string = topic.name
