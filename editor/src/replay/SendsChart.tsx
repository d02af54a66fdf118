/** Messages per channel in the run and with the draft, side by side (loaded on demand: recharts stays out of the first bundle). */
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'

const BEFORE = '#64748b'
const AFTER = '#b45309'

export default function SendsChart({ data, before, after }: { data: { channel: string; before: number; after: number }[]; before: string; after: string }) {
  return (
    <div className="counterfactual-chart" data-testid="counterfactual-chart" role="img" aria-label={data.map((d) => `${d.channel}: ${before} ${d.before}, ${after} ${d.after}`).join('; ')}>
      <ResponsiveContainer width="100%" height={180}>
        <BarChart data={data} margin={{ right: 12, left: -12 }}>
          <CartesianGrid vertical={false} strokeDasharray="3 3" />
          <XAxis dataKey="channel" tick={{ fontSize: 12 }} />
          <YAxis allowDecimals={false} tick={{ fontSize: 12 }} />
          <Tooltip />
          <Legend />
          <Bar dataKey="before" name={before} fill={BEFORE} maxBarSize={40} isAnimationActive={false} />
          <Bar dataKey="after" name={after} fill={AFTER} maxBarSize={40} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  )
}
