# `aws connect describe-routing-profile` outputs (read with jq -s) as a chatctl
# declaration of one tenant's profiles: a routing profile's CHAT concurrency is its
# max_concurrent_chats (3, chatctl's default, when it routes no chat).
{
  version: 1,
  tenants: [{
    tenant: $tenant,
    profiles: map(.RoutingProfile | {
      name: .Name,
      max_concurrent_chats: ([.MediaConcurrencies[] | select(.Channel == "CHAT") | .Concurrency][0] // 3),
      description: .Description
    })
  }]
}
