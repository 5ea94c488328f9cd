package httpcore

import "github.com/fraiseql/fraiseql-http/graphqlexec"

// policy is v1's settings validator for what an environment exposes, in
// one place: the engine's introspection policy, the GraphiQL page, the
// development-only routes and the 401 gate's introspection exemption all
// come from it.
type policy struct {
	production bool
	// introspection is the effective policy: production never has public
	// introspection, and an empty policy means public.
	introspection graphqlexec.IntrospectionPolicy
	// playground: GraphiQL on GET /graphql, never in production.
	playground bool
	// schemaExempt: a query whose text contains "__schema" skips the 401
	// gate (development, or the "authenticated" policy).
	schemaExempt bool
}

func newPolicy(env graphqlexec.Environment, introspection graphqlexec.IntrospectionPolicy, playground bool) policy {
	p := policy{production: env == graphqlexec.Production, introspection: introspection}
	if p.introspection == "" {
		p.introspection = graphqlexec.IntrospectionPublic
	}
	if p.production && p.introspection == graphqlexec.IntrospectionPublic {
		p.introspection = graphqlexec.IntrospectionDisabled
	}
	p.playground = playground && !p.production
	p.schemaExempt = env == graphqlexec.Development || p.introspection == graphqlexec.IntrospectionAuthenticated
	return p
}
