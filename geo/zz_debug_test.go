package geo
import ("testing";"fmt";"os";"strings")
func TestZZReal(t *testing.T){
	b,_:=os.ReadFile("../../shared/data/hours/real_opening_hours_from_extracts.tsv")
	n,bad:=0,0
	for i,l:=range strings.Split(string(b),"\n"){
		if i==0||l=="" {continue}
		f:=strings.Split(l,"\t")
		v:=f[1]; n++
		h,err:=ParseHours(v)
		if err!=nil { bad++; _,_,e2:=ParseHoursLenient(v); fmt.Printf("%s\t%q\t%v\tlenient:%v\n", f[0], v, err, e2); continue }
		if h.String()!=v && os.Getenv("NORM")!="" { fmt.Printf("NORM %q -> %q\n", v, h.String()) }
	}
	fmt.Println(n,bad)
}
