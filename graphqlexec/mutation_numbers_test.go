package graphqlexec

import (
	"context"
	"strings"
	"testing"

	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
)

// TestMutationEntityAsRead: a mutation's entity is written exactly as a
// read of the same stored document writes it, numbers included (digits
// beyond float64, 0.00001, integers beyond 2^64, a decimal's trailing
// zeros as a read keeps them), with or without a field error elsewhere in
// the entity, in production and development, on a database of the
// test's own. Before, a result with a field error went through Python's
// float forms (3.141592653589793, 1e-05) and even a clean one lost the
// digits float64 cannot hold.
func TestMutationEntityAsRead(t *testing.T) {
	t.Parallel()
	const (
		clean  = "00000000-0000-4000-8000-0000000000c1"
		broken = "00000000-0000-4000-8000-0000000000c2"
	)
	conn, _ := freshDB(t,
		`CREATE TABLE tb_gizmo (id uuid PRIMARY KEY, data jsonb NOT NULL)`,
		`CREATE VIEW v_gizmo AS SELECT id, data FROM tb_gizmo`,
		`INSERT INTO tb_gizmo VALUES
		('`+clean+`', '{"id": "`+clean+`", "count": 5, "weight": 3.14159265358979323846264338327950288, "small": 0.00001, "price": 19.90,
		  "extra": {"big": 123456789012345678901234567890, "pi": 3.14159265358979323846264338327950288, "tiny": 1e-7, "t": "café 👍 \u0001"}}'),
		('`+broken+`', '{"id": "`+broken+`", "count": "many", "weight": 0.1000000000000000055511151231257827, "small": 0.00001, "price": 19.90,
		  "extra": {"big": 18446744073709551617, "pi": 2.718281828459045235360287471352662497757}}')`,
		`CREATE FUNCTION touch_gizmo(input jsonb) RETURNS mutation_response LANGUAGE sql AS $$
		   SELECT ROW('updated', 'ok', input->>'id', 'Gizmo', (SELECT data FROM v_gizmo WHERE id = (input->>'id')::uuid), NULL, NULL, NULL)::mutation_response $$`)
	s, err := schema.Load("gizmo.graphql", []byte(`scalar UUID
scalar JSON
scalar Decimal
type Gizmo @view(name: "v_gizmo") {
  id: UUID!
  count: Int
  weight: Float
  small: Float
  price: Decimal
  extra: JSON
}
type TouchGizmoSuccess @success { gizmo: Gizmo }
type TouchGizmoError @error {}
union TouchGizmoResult = TouchGizmoSuccess | TouchGizmoError
input TouchGizmoInput { id: UUID! }
type Query { gizmo(id: UUID): Gizmo @read }
type Mutation { touchGizmo(input: TouchGizmoInput!): TouchGizmoResult @function(name: "touch_gizmo") }
`))
	if err != nil {
		t.Fatal(err)
	}
	const sel = `{ count weight small price extra }`
	wantEntity := map[string]string{
		clean:  `{"__typename":"Gizmo","count":5,"extra":{"big":123456789012345678901234567890,"pi":3.14159265358979323846264338327950288,"t":"café 👍 \u0001","tiny":1e-7},"price":19.90,"small":0.00001,"weight":3.14159265358979323846264338327950288}`,
		broken: `{"__typename":"Gizmo","count":null,"extra":{"big":18446744073709551617,"pi":2.718281828459045235360287471352662497757},"price":19.90,"small":0.00001,"weight":0.1000000000000000055511151231257827}`,
	}
	for _, env := range []Environment{Production, Development} {
		e, err := New(s, conn, Config{Environment: env})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{clean, broken} {
			read := executeAppend(t, e, context.Background(), &Request{Query: `{ gizmo(id: "` + id + `") ` + sel + ` }`})
			mut := executeAppend(t, e, context.Background(), &Request{Query: `mutation { touchGizmo(input: {id: "` + id + `"}) { ... on TouchGizmoSuccess { gizmo ` + sel + ` } } }`})
			readEntity, ok := strings.CutPrefix(string(read.Body), `{"data":{"gizmo":`)
			if !ok {
				t.Fatalf("%s read: %s", env, read.Body)
			}
			mutEntity, ok := strings.CutPrefix(string(mut.Body), `{"data":{"touchGizmo":{"__typename":"TouchGizmoSuccess","gizmo":`)
			if !ok {
				t.Fatalf("%s mutation: %s", env, mut.Body)
			}
			if !strings.HasPrefix(readEntity, wantEntity[id]+"}") {
				t.Errorf("%s read %s:\ngot  %s\nwant %s", env, id, read.Body, wantEntity[id])
			}
			if !strings.HasPrefix(mutEntity, wantEntity[id]+"}}") {
				t.Errorf("%s mutation %s:\ngot  %s\nwant %s", env, id, mut.Body, wantEntity[id])
			}
			if id == broken {
				const errs = `,"errors":[{"message":"Int cannot represent non-integer value: 'many'","locations":[{"line":1,"column":113}],"path":["touchGizmo","gizmo","count"]}]`
				tail := strings.TrimPrefix(mutEntity, wantEntity[id]+"}}")
				if env == Production && tail != errs+"}" || env == Development && !strings.HasPrefix(tail, errs+`,"extensions":{"execution":{"mode":"unified_rust","time_ms":`) {
					t.Errorf("%s mutation errors: %s", env, tail)
				}
			}
		}
	}
}
